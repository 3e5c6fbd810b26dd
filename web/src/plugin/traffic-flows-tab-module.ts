// Exposed module "TrafficFlowsTab" (console.tab/horizontalNav on Pod and Namespace details).
export { default } from '../components/traffic-flows/TrafficFlowsTab.tsx';
