export { createCertificateAuthority, createServingCertificate, toPem } from './certificates.ts';
export type { CertificateAndKey, CertificateAuthorityOptions, KeyAlgorithm, ServingCertificateOptions } from './certificates.ts';
export { PkiError, PkiErrorCode, isPkiError } from './errors.ts';
