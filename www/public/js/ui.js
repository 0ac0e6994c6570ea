// DOM helpers. Everything the page shows from a token goes through text nodes (never innerHTML).

/** `el("p", {class: "x"}, "text", child)`: an element with attributes and children. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (name === 'style') Object.assign(node.style, value); // CSSOM: the CSP allows no inline styles
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  node.append(...children.flat().filter((c) => c !== undefined && c !== null && c !== false));
  return node;
}

const TIME_CLAIMS = new Set(['exp', 'iat', 'nbf', 'auth_time', 'updated_at']);

/** "in 14 min" / "3 h ago" for an epoch-seconds time relative to `now`. */
export function relative(epoch, now = Date.now() / 1000) {
  const delta = Math.round(epoch - now);
  const abs = Math.abs(delta);
  if (abs < 2) return 'just now';
  const [n, unit] = abs < 90 ? [abs, 's'] : abs < 5400 ? [Math.round(abs / 60), 'min']
    : abs < 172800 ? [Math.round(abs / 3600), 'h'] : [Math.round(abs / 86400), 'days'];
  return delta >= 0 ? `in ${n} ${unit}` : `${n} ${unit} ago`;
}

export const isoTime = (epoch) => new Date(epoch * 1000).toISOString().replace('.000Z', 'Z');

/** A claim value as text: strings as they are (long ones cut, with their length), the rest as JSON. */
export function claimText(value) {
  if (typeof value !== 'string') return JSON.stringify(value, null, 1);
  return value.length > 160 ? `${value.slice(0, 64)}… (${value.length} characters)` : value;
}

/**
 * A two-column table of claims. `notes` maps a claim name to a note shown under its value (and
 * `added` names get a star: claims that a trigger added).
 */
export function claimsTable(claims, { caption, notes = {}, added = new Set() } = {}) {
  const rows = Object.entries(claims).map(([name, value]) => {
    const note = notes[name] ?? (TIME_CLAIMS.has(name) && typeof value === 'number'
      ? `${isoTime(value)} (${relative(value)})` : undefined);
    return el('tr', { class: added.has(name) ? 'added' : undefined, 'data-claim': name },
      el('th', { scope: 'row' }, name),
      el('td', {}, el('span', { class: typeof value === 'string' ? undefined : 'mono' }, claimText(value)),
        note && el('span', { class: 'note' }, note)));
  });
  return el('table', { 'aria-label': caption },
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'claim'), el('th', { scope: 'col' }, 'value'))),
    el('tbody', {}, rows));
}

const MARKS = { pass: '✓', fail: '✗', skipped: '–', unreached: '·' };
const MARK_LABELS = { pass: 'passed', fail: 'failed', skipped: 'not checked', unreached: 'not reached' };

/** The verification checklist: [{label, status: pass|fail|skipped|unreached, detail}]. */
export function checklist(steps) {
  return el('ol', { class: 'checks' }, steps.map((step) => el('li', { class: step.status, 'data-step': step.id },
    el('span', { class: 'mark', 'aria-hidden': 'true' }, MARKS[step.status]),
    el('span', {}, el('span', { class: 'visually-hidden' }, `${MARK_LABELS[step.status]}: `), step.label),
    step.detail && el('span', { class: 'detail' }, step.detail))));
}

/** Plain-words explanations: [{code, title, why, fix}]. */
export function problemList(problems) {
  return problems.map((p) => el('div', { class: 'problem', role: 'group', 'aria-label': p.title, 'data-code': p.code },
    el('h3', {}, p.title),
    el('p', {}, p.why),
    p.fix && el('p', {}, el('strong', {}, 'Fix: '), p.fix),
    el('p', { class: 'code' }, p.code)));
}

/** A validity timeline: auth_time, iat, exp and now on one axis (epoch seconds). */
export function timeline({ auth_time: authTime, iat, exp }, now = Date.now() / 1000) {
  const points = [authTime, iat, exp, now].filter((t) => typeof t === 'number');
  const min = Math.min(...points);
  const span = Math.max(...points) - min || 1;
  const at = (t) => `${(((t - min) / span) * 100).toFixed(2)}%`;
  const tick = (t, label, cls) => el('div', { class: `tick ${cls ?? ''}`, style: { left: at(t) } }, label);
  const node = el('div', { class: 'timeline', role: 'img',
    'aria-label': `issued ${relative(iat, now)}, ${exp > now ? 'expires' : 'expired'} ${relative(exp, now)}` },
  el('div', { class: 'bar' }),
  el('div', { class: `valid${exp <= now ? ' expired' : ''}`, style: { left: at(iat), width: `calc(${at(exp)} - ${at(iat)})` } }),
  // auth_time and iat a few seconds apart (a fresh sign-in) share one label.
  ...(typeof authTime === 'number' && Math.abs(iat - authTime) > span / 20
    ? [tick(authTime, 'auth_time'), tick(iat, 'iat')]
    : [tick(iat, typeof authTime === 'number' ? 'auth_time, iat' : 'iat')]),
  tick(exp, 'exp'),
  tick(now, 'now', 'now below'));
  return node;
}

export function tags(values, added = new Set()) {
  return el('ul', { class: 'tags' }, values.map((v) => el('li', { class: added.has(v) ? 'added' : undefined }, v)));
}
