/**
 * The shapes of kubeadm's join credentials, as kubeadm itself defines them. Shared by the parsers
 * (which accept only these shapes) and the redactor (which masks the secret ones).
 */

/**
 * A bootstrap token, `<6-char id>.<16-char secret>`, lower-case letters and digits only:
 * kubeadm's BootstrapTokenPattern `\A([a-z0-9]{6})\.([a-z0-9]{16})\z`
 * (k8s.io/cluster-bootstrap/token/api, "Bootstrap Tokens" in the kubeadm docs:
 * https://kubernetes.io/docs/reference/access-authn-authz/bootstrap-tokens/).
 * The id is public (it names the `jws-kubeconfig-<id>` key of the cluster-info ConfigMap and
 * appears in kubeadm's own errors); only the secret half authenticates.
 */
export const BOOTSTRAP_TOKEN = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;

/** The same shape found inside longer text: not glued to other letters or digits. */
export const BOOTSTRAP_TOKEN_IN_TEXT = /(?<![a-z0-9])([a-z0-9]{6})\.([a-z0-9]{16})(?![a-z0-9])/g;

/**
 * The certificate key that decrypts the `kubeadm-certs` Secret: 32 random bytes, hex-encoded
 * (kubeadm `certs certificate-key`; "kubeadm init phase upload-certs" in the kubeadm docs).
 */
export const CERTIFICATE_KEY = /^[0-9a-f]{64}$/;

/**
 * A CA public-key pin, `sha256:<hex>` of the CA's SubjectPublicKeyInfo (RFC 7469 style;
 * cmd/kubeadm/app/util/pubkeypin). Public by design: it lets a joining node trust the cluster.
 */
export const CA_CERT_HASH = /^sha256:[0-9a-f]{64}$/;
