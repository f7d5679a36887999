/** The digest cannot be rendered: a template is broken or the schedule cannot be read. */
export class DigestError extends Error {
  override name = 'DigestError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A template the templates directory does not have (an optional one, such as welcome.mjml, may be left out). */
export class TemplateNotFoundError extends Error {
  override name = 'TemplateNotFoundError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
