// The Checks panel's two browser calls: copy a repro line (the hex view's clipboard fallback,
// one copy of it), and bring an element into view (the inspector, after a finding is opened in it
// from a panel that may be a screen or more below it).
export { copy } from './hexview.js';

export function reveal(element) {
    element?.scrollIntoView({ behavior: 'smooth', block: 'start' });
}
