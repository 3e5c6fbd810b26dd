#!/bin/sh
# Prints the ConsolePlugin basePath of the plugin build made for an OpenShift version, or fails
# for a version no build serves. The backend image holds two builds (web/tools/console-lines.mjs):
#   consoles 4.19-4.21  ->  /console-4.19/   (SDK 4.19: React 17, react-router-dom-v5-compat,
#                                             window.loadPluginEntry)
#   consoles 4.22+      ->  /                (SDK 4.22: React 18, react-router 7,
#                                             window.__load_plugin_entry__)
# Each build's plugin-manifest.json declares that range as @console/pluginAPI, and the console
# refuses a build whose range does not hold its version ("Unmet dependency on Console plugin API").
#
#   deploy/plugin-build-for.sh "$(oc get clusterversion version -o jsonpath='{.status.desired.version}')"
set -eu
version="${1:?usage: plugin-build-for.sh <OpenShift version, e.g. 4.20.8>}"
major="${version%%.*}"
rest="${version#*.}"
minor="${rest%%.*}"
case "$major.$minor" in
  *[!0-9.]* | .* | *.) echo "plugin-build-for.sh: not an OpenShift version: $version" >&2; exit 2 ;;
esac
if [ "$major" -eq 4 ] && [ "$minor" -ge 19 ] && [ "$minor" -le 21 ]; then
  echo /console-4.19/
elif { [ "$major" -eq 4 ] && [ "$minor" -ge 22 ]; } || [ "$major" -gt 4 ]; then
  echo /
else
  echo "plugin-build-for.sh: OpenShift $version is older than 4.19: no Interflow console plugin build serves it" >&2
  exit 1
fi
