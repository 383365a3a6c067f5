/** Prometheus + Grafana: metrics collection and dashboards, the classic homelab monitoring pair. */
import type { TemplateSource } from './catalog-types';

export const prometheusGrafana: TemplateSource = {
  id: 'prometheus-grafana',
  title: 'Prometheus + Grafana',
  description:
    'Prometheus collects metrics (it scrapes itself to start with); Grafana draws dashboards. In Grafana, add the data source http://prometheus:9090.',
  variables: [
    { name: 'PROMETHEUS_PORT', label: 'Prometheus port', default: '9090', required: true, secret: false, help: 'Port on the node for the Prometheus web UI.' },
    { name: 'GRAFANA_PORT', label: 'Grafana port', default: '3000', required: true, secret: false, help: 'Port on the node for Grafana.' },
    { name: 'RETENTION', label: 'Metrics retention', default: '15d', required: true, secret: false, help: 'How long Prometheus keeps samples, e.g. 15d or 90d.' },
    { name: 'GRAFANA_ADMIN_USER', label: 'Grafana admin user', default: 'admin', required: true, secret: false, help: 'User name of Grafana\'s first administrator.' },
    { name: 'GRAFANA_ADMIN_PASSWORD', label: 'Grafana admin password', default: '', required: true, secret: true, help: 'Password of Grafana\'s first administrator.' },
  ],
  compose: `services:
  prometheus:
    image: prom/prometheus:v2.54.1
    restart: unless-stopped
    command:
      - --config.file=/etc/prometheus/prometheus.yml
      - --storage.tsdb.path=/prometheus
      - --storage.tsdb.retention.time=\${RETENTION}
    ports:
      - "\${PROMETHEUS_PORT}:9090"
    volumes:
      - prometheus-data:/prometheus

  grafana:
    image: grafana/grafana:11.2.0
    restart: unless-stopped
    depends_on:
      - prometheus
    environment:
      GF_SECURITY_ADMIN_USER: \${GRAFANA_ADMIN_USER}
      GF_SECURITY_ADMIN_PASSWORD: \${GRAFANA_ADMIN_PASSWORD}
    ports:
      - "\${GRAFANA_PORT}:3000"
    volumes:
      - grafana-data:/var/lib/grafana

volumes:
  prometheus-data:
  grafana-data:
`,
};
