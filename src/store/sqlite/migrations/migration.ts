export interface Migration {
  /** 1, 2, 3 …: applied in order, each once, each in its own transaction. */
  readonly version: number;
  readonly name: string;
  readonly up: string;
}
