import { escapeHtml } from '../src/server/html.js';

/** A made-up house for sale: the page an agent's mail links to. */
export interface Listing {
  id: string;
  address: string;
  area: string;
  price: string;
  facts: string[];
  description: string;
  photos: string[];
}

export const LISTINGS: readonly Listing[] = [
  {
    id: 'C9231328',
    address: '12 Harbour Lane',
    area: 'Lakeview',
    price: '$845,000',
    facts: ['3 bedrooms', '2 bathrooms', '1,740 sq ft', 'Garden'],
    description: 'A bright detached house two streets from the water, with a south-facing garden and a kitchen redone last year.',
    photos: ['Front', 'Kitchen', 'Living room', 'Garden'],
  },
  {
    id: 'W5550123',
    address: '48 Maple Court',
    area: 'Oakridge',
    price: '$612,500',
    facts: ['2 bedrooms', '1 bathroom', '980 sq ft', 'Parking'],
    description: 'A quiet corner townhouse near the park and the school, with a garage and a finished basement.',
    photos: ['Front', 'Living room', 'Bedroom'],
  },
  {
    id: 'E8812004',
    address: '301–77 King Street',
    area: 'Downtown',
    price: '$489,000',
    facts: ['1 bedroom', '1 bathroom', '640 sq ft', 'Balcony'],
    description: 'A top-floor condo with a view of the old town, a concierge, and the subway at the door.',
    photos: ['Balcony', 'Kitchen', 'Bedroom'],
  },
];

export function findListing(id: string): Listing | undefined {
  return LISTINGS.find((listing) => listing.id === id);
}

/** The link an agent mails: its own query and fragment, which Keyway keeps when it adds the token. */
export function listingLink(publicUrl: string, listing: Listing): string {
  return `${publicUrl}/demo/listings/${listing.id}?ref=mail#photos`;
}

/** Who the mail's token names, as the listing page greets them. */
export type Visitor =
  | { kind: 'anonymous' }
  | { kind: 'identified'; email: string; token: string; signInRefused?: string };

function page(title: string, main: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Acme Homes (Keyway demo)</title>
<link rel="stylesheet" href="/demo/demo.css">
<link rel="stylesheet" href="/demo/messages.css">
<script type="module" src="/demo/listing.js"></script>
</head>
<body>
<header class="bar listing-bar"><strong>Acme Homes</strong><nav><a href="/demo/">Acme CRM</a> › Listings</nav><span class="tag">Keyway demo host app</span></header>
<main class="listing-page">
${main}
</main>
</body>
</html>`;
}

function greeting(visitor: Visitor): string {
  if (visitor.kind === 'anonymous') {
    return '<section class="greeting" aria-label="Who you are"><p class="hint">Opened without a mail’s link, so this page does not know who you are.</p></section>';
  }
  const email = escapeHtml(visitor.email);
  const action = visitor.signInRefused
    ? `<p class="problem" role="alert">${escapeHtml(visitor.signInRefused)}</p>`
    : `<button id="message-signin" type="button" data-token="${escapeHtml(visitor.token)}">Sign in as ${email}</button>
<p class="hint">Keyway asks you to confirm; nothing happens by opening the link alone.</p>`;
  return `<section class="greeting" aria-labelledby="hello">
<h2 id="hello">Hello ${email}</h2>
<p>Acme Homes recognised you from the link in your mail.</p>
${action}
<p id="message-signin-status" class="result" role="status"></p>
</section>`;
}

export function listingPage(listing: Listing, visitor: Visitor): string {
  const facts = listing.facts.map((fact) => `<li>${escapeHtml(fact)}</li>`).join('');
  const photos = listing.photos.map((label, index) => `<figure class="photo photo-${index % 4}"><figcaption>${escapeHtml(label)}</figcaption></figure>`).join('');
  return page(
    listing.address,
    `${greeting(visitor)}
<article class="listing" aria-labelledby="listing-title">
<p class="hint">Listing ${escapeHtml(listing.id)} · ${escapeHtml(listing.area)}</p>
<h1 id="listing-title">${escapeHtml(listing.address)}</h1>
<p class="price">${escapeHtml(listing.price)}</p>
<ul class="listing-facts">${facts}</ul>
<p>${escapeHtml(listing.description)}</p>
<section id="photos" aria-labelledby="photos-title">
<h2 id="photos-title">Photos</h2>
<div class="photos">${photos}</div>
</section>
</article>`,
  );
}

/** For a link whose token names no message (or is not a token at all): said plainly, with a way on. */
export function notRecognisedPage(listing: Listing | undefined, reason: string): string {
  const onward = listing
    ? `<p><a href="/demo/listings/${escapeHtml(listing.id)}">See ${escapeHtml(listing.address)} without signing in</a> · <a href="/demo/">Acme CRM</a></p>`
    : '<p><a href="/demo/">Back to Acme CRM</a></p>';
  return page(
    'Link not recognised',
    `<section class="greeting" aria-labelledby="not-recognised">
<h1 id="not-recognised">This link is not recognised</h1>
<p class="problem" role="alert">${escapeHtml(reason)}</p>
${onward}
</section>`,
  );
}
