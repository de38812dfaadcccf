#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# ldap-cached-lookups.sh [JMH options]: ldap: lookups per second with and without cache{ttl=60s}:.
exec "$(dirname "$0")/jmh-run.sh" LdapCachedLookupBenchmark "$@"
