/**
 * nginx reverse proxy: Nginx Proxy Manager — nginx with a web UI for proxy hosts and Let's
 * Encrypt certificates, the reverse proxy most homelabs put in front of their services.
 */
import type { TemplateSource } from './catalog-types';

export const nginxProxy: TemplateSource = {
  id: 'nginx-proxy',
  title: 'nginx reverse proxy',
  description:
    'Nginx Proxy Manager: nginx in front of your services, with a web UI to add proxy hosts and Let\'s Encrypt certificates. Log in to the admin UI with admin@example.com / changeme and change them at once.',
  variables: [
    { name: 'NPM_VERSION', label: 'Image version', default: '2.12.1', required: true, secret: false, help: 'Tag of jc21/nginx-proxy-manager.' },
    { name: 'HTTP_PORT', label: 'HTTP port', default: '80', required: true, secret: false, help: 'Port on the node for plain HTTP traffic.' },
    { name: 'HTTPS_PORT', label: 'HTTPS port', default: '443', required: true, secret: false, help: 'Port on the node for HTTPS traffic.' },
    { name: 'ADMIN_PORT', label: 'Admin UI port', default: '81', required: true, secret: false, help: 'Port on the node for the proxy manager\'s web UI.' },
  ],
  compose: `services:
  proxy:
    image: jc21/nginx-proxy-manager:\${NPM_VERSION}
    restart: unless-stopped
    ports:
      - "\${HTTP_PORT}:80"
      - "\${HTTPS_PORT}:443"
      - "\${ADMIN_PORT}:81"
    volumes:
      - data:/data
      - letsencrypt:/etc/letsencrypt

volumes:
  data:
  letsencrypt:
`,
};
