import { svg } from 'lit';

/*
 * Icons are decorative: the text next to them carries the meaning, so each is aria-hidden.
 * Directional ones carry `flip-rtl` (shared.styles.ts) so they mirror in right-to-left languages.
 */

export const checkIcon = svg`<svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false"><path fill="none" stroke="currentColor" stroke-width="2.5" stroke-linecap="round" stroke-linejoin="round" d="M5 12.5l4.5 4.5L19 7.5"/></svg>`;

export const alertIcon = svg`<svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false"><path fill="none" stroke="currentColor" stroke-width="2.5" stroke-linecap="round" d="M12 7v6M12 17h.01"/></svg>`;

export const backIcon = svg`<svg class="flip-rtl" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false"><path fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" d="M15 5l-7 7 7 7"/></svg>`;

export const chevronIcon = svg`<svg class="flip-rtl" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false"><path fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" d="M9 5l7 7-7 7"/></svg>`;
