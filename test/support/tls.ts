/**
 * Certificates made by the tests (node-forge, in memory): a private certificate authority, like a company's or a
 * TLS-inspecting proxy's, and a server certificate it signs for the given host names. Nothing is read from or
 * trusted by the machine: a test gives the CA to the process under test (NODE_EXTRA_CA_CERTS) or does not.
 */
import forge from 'node-forge';

export interface TestCertificates {
  /** The CA certificate (PEM): what a user would put in NODE_EXTRA_CA_CERTS. */
  readonly caPem: string;
  readonly keyPem: string;
  /** The server certificate, signed by the CA. */
  readonly certPem: string;
}

export function makeCertificates(hosts: readonly string[]): TestCertificates {
  const pki = forge.pki;
  const now = new Date();
  const later = new Date(now.getTime() + 24 * 3600 * 1000);
  const caKeys = pki.rsa.generateKeyPair(2048);
  const ca = pki.createCertificate();
  ca.publicKey = caKeys.publicKey;
  ca.serialNumber = '01';
  ca.validity.notBefore = new Date(now.getTime() - 60_000);
  ca.validity.notAfter = later;
  const caName = [{ name: 'commonName', value: 'Describe Image Test CA' }];
  ca.setSubject(caName);
  ca.setIssuer(caName);
  ca.setExtensions([{ name: 'basicConstraints', cA: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true }]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());

  const keys = pki.rsa.generateKeyPair(2048);
  const cert = pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '02';
  cert.validity.notBefore = new Date(now.getTime() - 60_000);
  cert.validity.notAfter = later;
  cert.setSubject([{ name: 'commonName', value: hosts[0] ?? 'localhost' }]);
  cert.setIssuer(caName);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: hosts.map((h) => (/^[\d.]+$/.test(h) ? { type: 7, ip: h } : { type: 2, value: h })) },
  ]);
  cert.sign(caKeys.privateKey, forge.md.sha256.create());
  return { caPem: pki.certificateToPem(ca), keyPem: pki.privateKeyToPem(keys.privateKey), certPem: pki.certificateToPem(cert) };
}
