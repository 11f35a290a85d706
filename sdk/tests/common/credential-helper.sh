#!/bin/sh
# A docker-credential-<name> for the tests (sdk/src/credentials.rs, sdk/tests/registry.rs):
# credentials in the file @STORE@, one ServerURL<TAB>Username<TAB>Secret line each.
store="@STORE@"
touch "$store"
case "$1" in
get)
  url=$(cat)
  line=$(grep -F "$url	" "$store" | head -n1)
  if [ -z "$line" ]; then echo "credentials not found in native keychain"; exit 1; fi
  user=$(printf '%s' "$line" | cut -f2); secret=$(printf '%s' "$line" | cut -f3)
  printf '{"ServerURL":"%s","Username":"%s","Secret":"%s"}' "$url" "$user" "$secret" ;;
store)
  doc=$(cat)
  url=$(printf '%s' "$doc" | sed 's/.*"ServerURL":"\([^"]*\)".*/\1/')
  user=$(printf '%s' "$doc" | sed 's/.*"Username":"\([^"]*\)".*/\1/')
  secret=$(printf '%s' "$doc" | sed 's/.*"Secret":"\([^"]*\)".*/\1/')
  grep -v -F "$url	" "$store" > "$store.new"; mv "$store.new" "$store"
  printf '%s\t%s\t%s\n' "$url" "$user" "$secret" >> "$store" ;;
erase)
  url=$(cat)
  grep -v -F "$url	" "$store" > "$store.new"; mv "$store.new" "$store" ;;
*) echo "unknown action $1"; exit 2 ;;
esac
