/**
 * The Content-Security-Policy both hosts send with the renderer (desktop `app:` protocol and browser mode): our own code
 * only, no remote anything. Inline styles are allowed because antd writes its styles at run time.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');
