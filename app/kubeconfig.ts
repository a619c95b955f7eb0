/** The kubeconfig `warroom sim kubeconfig` prints and the kubernetes runner loads for the sandbox's own API. */

/** A kubeconfig for the sandbox's Kubernetes API (YAML; every string JSON-quoted, which YAML reads as is). */
export function kubeconfigYaml(server: string, token: string): string {
  const q = (v: string) => JSON.stringify(v);
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '  - name: warroom-sandbox',
    '    cluster:',
    `      server: ${q(server)}`,
    // plain http: @kubernetes/client-node refuses it unless TLS verification is declared off
    ...(server.startsWith('http:') ? ['      insecure-skip-tls-verify: true'] : []),
    'users:',
    '  - name: warroom',
    '    user:',
    `      token: ${q(token)}`,
    'contexts:',
    '  - name: warroom-sandbox',
    '    context:',
    '      cluster: warroom-sandbox',
    '      user: warroom',
    '      namespace: shop',
    'current-context: warroom-sandbox',
    '',
  ].join('\n');
}
