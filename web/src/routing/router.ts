// The routing API the page uses, from the router the console shares. Consoles 4.22 and later
// share react-router 7 (this module); consoles 4.19-4.21 share React Router 5 with the v6 API in
// `react-router-dom-v5-compat`, and their build (web/webpack.config.mjs, line 4.19) swaps this
// module for ./router-v5-compat.ts. Both export the same names with the same meaning.
export { Link, useLocation, useNavigate } from 'react-router';
