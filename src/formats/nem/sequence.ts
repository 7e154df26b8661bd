/**
 * Record order of an MDFF file as transition tables (state → record indicator → next state).
 * NEM12: 100 (200 300+ (400*) (500*))+ 900; NEM13: 100 (250 550?)+ 900. A record the table does
 * not allow from the current state is a sequence error, explained by `sequenceProblem`.
 */
export type Version = 'NEM12' | 'NEM13';
export type State = 'start' | 'header' | 'details' | 'interval' | 'events' | 'b2b' | 'end';

export const RECORDS: Readonly<Record<Version, readonly string[]>> = {
  NEM12: ['100', '200', '300', '400', '500', '900'],
  NEM13: ['100', '250', '550', '900'],
};

type Table = Readonly<Record<State, Readonly<Partial<Record<string, State>>>>>;

export const TRANSITIONS: Readonly<Record<Version, Table>> = {
  NEM12: {
    start: { 100: 'header' },
    header: { 200: 'details' },
    details: { 300: 'interval' },
    interval: { 200: 'details', 300: 'interval', 400: 'events', 500: 'b2b', 900: 'end' },
    events: { 200: 'details', 300: 'interval', 400: 'events', 500: 'b2b', 900: 'end' },
    b2b: { 200: 'details', 300: 'interval', 500: 'b2b', 900: 'end' },
    end: {},
  },
  NEM13: {
    start: { 100: 'header' },
    header: { 250: 'details' },
    details: { 250: 'details', 550: 'b2b', 900: 'end' },
    interval: {},
    events: {},
    b2b: { 250: 'details', 900: 'end' },
    end: {},
  },
};

/** Why `record` may not come in `state`, in words a person can act on. */
export function sequenceProblem(version: Version, state: State, record: string, detailsLine: number): string {
  const data = version === 'NEM12' ? '200' : '250';
  if (state === 'start') return `the file must start with a 100 header record, but this is a ${record} record`;
  if (state === 'end') return `a ${record} record after the 900 end record; 900 must be the last record`;
  if (record === '100') return 'a second 100 header record; a file has exactly one, first';
  if (record === '900') return `the 900 end record comes before any ${data} record; a ${version} file carries at least one ${data} data block`;
  if (state === 'header') return `a ${record} record before any ${data} record: the data needs its NMI details (${data}) first`;
  if (version === 'NEM12' && state === 'details') return `the 200 record on line ${detailsLine} has no 300 interval data before this ${record} record`;
  if (record === '400') return '400 interval events follow only a 300 record whose quality is V (variable)';
  return `a ${record} record cannot follow a ${state === 'b2b' ? (version === 'NEM12' ? '500' : '550') : data} record here`;
}
