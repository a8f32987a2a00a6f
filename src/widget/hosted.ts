/**
 * Entry of the hosted page (`/connect/<link>`). The page's only markup is
 * `<keyway-wizard link="…">`; its CSP forbids inline script and style, so the
 * page styles come from hosted.css and this module.
 */
import './hosted.css';
import './index.js';

// A framed wizard sizes its iframe through `resize` messages, so the page must not add a viewport-high body.
document.documentElement.classList.toggle('keyway-framed', window.parent !== window);
