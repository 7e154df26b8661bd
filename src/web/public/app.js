import { AuthError, apiKey, forgetApiKey, setApiKey, takeKeyFromFragment } from './api.js';
import { showFleet, wireFleet } from './fleet.js';
import { fill } from './format.js';
import { showMeter, wireMeter } from './meter.js';

const $ = (id) => document.getElementById(id);
const VIEWS = ['key-view', 'fleet-view', 'meter-view'];

function show(view, focus) {
  for (const v of VIEWS) $(v).hidden = v !== view;
  $('forget-key').hidden = view === 'key-view';
  // Move focus to the new view's heading so keyboard and screen-reader users land on it.
  $(focus).focus();
}

function status(text) {
  fill($('status'), text);
}

function onError(err) {
  if (err instanceof AuthError) {
    forgetApiKey();
    askForKey(err.message === 'no API key' ? '' : 'That API key was not accepted. Enter another one.');
    return;
  }
  status(`Something went wrong: ${err.message}`);
}

function askForKey(message) {
  $('key-error').hidden = !message;
  fill($('key-error'), message);
  show('key-view', 'key-title');
  $('key-input').focus();
}

async function route() {
  status('');
  if (!apiKey()) return askForKey('');
  const m = /^#\/meters\/(.+)$/.exec(location.hash);
  try {
    if (m) {
      show('meter-view', 'meter-title');
      await showMeter(decodeURIComponent(m[1]));
    } else {
      show('fleet-view', 'fleet-title');
      await showFleet();
    }
  } catch (err) {
    onError(err);
  }
}

takeKeyFromFragment();
$('key-form').addEventListener('submit', (e) => {
  e.preventDefault();
  setApiKey($('key-input').value);
  $('key-input').value = '';
  route();
});
$('forget-key').addEventListener('click', () => {
  forgetApiKey();
  askForKey('');
});
wireFleet(onError);
wireMeter(onError);
addEventListener('hashchange', () => {
  takeKeyFromFragment();
  route();
});
route();
