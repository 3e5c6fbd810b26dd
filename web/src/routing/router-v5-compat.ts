// The routing API for consoles 4.19-4.21: they share React Router 5 and, for the v6 API that
// this page uses, `react-router-dom-v5-compat` (console dynamic-plugin-sdk README, "Shared
// modules"). web/webpack.config.mjs puts this module in place of ./router.ts for that build.
export { Link, useLocation, useNavigate } from 'react-router-dom-v5-compat';
