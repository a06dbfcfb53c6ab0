// The small page a tenant's browser lands on when the authorization did not work. It says what
// happened and what to do; it never shows a code, a state, a token or a secret.

export interface OutcomePage {
  status: number;
  title: string;
  message: string;
  /** Where "what to do" leads, when we know the installation. */
  back?: string;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function renderPage(page: OutcomePage): string {
  const back = page.back
    ? `<p><a href="${escape(page.back)}">Back to the installation</a></p>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(page.title)} - Plugboard</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1f2937}h1{font-size:1.4rem}</style>
</head><body><main><h1>${escape(page.title)}</h1><p>${escape(page.message)}</p>${back}</main></body></html>`;
}

/** Provider text may be anything: kept short and shown as text, never as markup. */
export function providerText(text: string | undefined): string {
  if (!text) return '';
  const clipped = text.replace(/\s+/g, ' ').trim().slice(0, 200);
  return clipped ? ` The provider said: "${clipped}".` : '';
}
