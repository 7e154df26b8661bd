import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './locales/en.json';

export interface Language {
  readonly code: string;
  /** The language's name in itself: what a speaker looks for in the picker. */
  readonly name: string;
  readonly dir: 'ltr' | 'rtl';
}

export const LANGUAGES: readonly Language[] = [
  { code: 'en', name: 'English', dir: 'ltr' },
  { code: 'de', name: 'Deutsch', dir: 'ltr' },
  { code: 'fr', name: 'Français', dir: 'ltr' },
  { code: 'nl', name: 'Nederlands', dir: 'ltr' },
  { code: 'es', name: 'Español', dir: 'ltr' },
  { code: 'pl', name: 'Polski', dir: 'ltr' },
  { code: 'ar', name: 'العربية', dir: 'rtl' },
];

const STORE_ITEM = 'meterstack.lang';
type Texts = Record<string, unknown>;
// English is in the bundle (the fallback); the others load when chosen, each as its own small file.
// A feature may keep its texts in locales/<feature>/<lang>.json: they appear under the key <feature>.
const bundles = import.meta.glob<Texts>(['./locales/*.json', '!./locales/en.json'], { import: 'default' });
const featureBundles = import.meta.glob<Texts>(['./locales/*/*.json', '!./locales/*/en.json'], { import: 'default' });
const englishFeatures = import.meta.glob<Texts>('./locales/*/en.json', { import: 'default', eager: true });

/** `./locales/firmware/de.json` → ['firmware', 'de'] */
const featureAndLang = (path: string): [string, string] => {
  const [, , feature, file] = path.split('/');
  return [feature!, file!.slice(0, -'.json'.length)];
};

const english: Texts = { ...en };
for (const [path, texts] of Object.entries(englishFeatures)) english[featureAndLang(path)[0]] = texts;

function supported(code: string | null | undefined): string | undefined {
  if (!code) return undefined;
  const base = code.toLowerCase().split(/[-_]/)[0]!;
  return LANGUAGES.some((l) => l.code === base) ? base : undefined;
}

/** `?lang=xx` in the URL, then the reader's earlier choice, then the browser's languages, then English. */
export function initialLanguage(): string {
  const fromUrl = supported(new URLSearchParams(location.search).get('lang'));
  if (fromUrl) return fromUrl;
  let saved: string | null = null;
  try { saved = localStorage.getItem(STORE_ITEM); } catch { /* storage may be off */ }
  return supported(saved) ?? navigator.languages.map(supported).find((x) => x !== undefined) ?? 'en';
}

async function load(code: string): Promise<void> {
  if (code === 'en' || i18n.hasResourceBundle(code, 'translation')) return;
  const loader = bundles[`./locales/${code}.json`];
  if (!loader) return;
  const parts = Object.entries(featureBundles).filter(([path]) => featureAndLang(path)[1] === code);
  const [base, ...features] = await Promise.all([loader(), ...parts.map(([, load]) => load())]);
  const texts: Texts = { ...base };
  parts.forEach(([path], i) => { texts[featureAndLang(path)[0]] = features[i]; });
  i18n.addResourceBundle(code, 'translation', texts, true, true);
}

function applyToDocument(code: string): void {
  const lang = LANGUAGES.find((l) => l.code === code) ?? LANGUAGES[0]!;
  document.documentElement.lang = lang.code;
  document.documentElement.dir = lang.dir;
}

export async function initI18n(): Promise<typeof i18n> {
  const lng = initialLanguage();
  await i18n.use(initReactI18next).init({
    resources: { en: { translation: english } }, lng: 'en', fallbackLng: 'en', interpolation: { escapeValue: false }, returnNull: false,
  });
  await setLanguage(lng, false);
  return i18n;
}

/** Switches the language; `remember` keeps the choice for later visits and in this page's URL. */
export async function setLanguage(code: string, remember = true): Promise<void> {
  const lng = supported(code) ?? 'en';
  await load(lng);
  await i18n.changeLanguage(lng);
  applyToDocument(lng);
  if (!remember) return;
  try { localStorage.setItem(STORE_ITEM, lng); } catch { /* storage may be off */ }
  const params = new URLSearchParams(location.search);
  if (params.has('lang')) {
    params.set('lang', lng);
    history.replaceState(history.state, '', `${location.pathname}?${params}${location.hash}`);
  }
}

export default i18n;
