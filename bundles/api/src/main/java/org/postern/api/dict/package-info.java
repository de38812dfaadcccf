// SPDX-License-Identifier: Apache-2.0
/**
 * Lookup tables: the contract between Postern and every table type (lmdb, ldap, cidr, ...).
 *
 * <p>A table bundle registers a {@link org.postern.api.dict.DictFactory} with
 * {@code postern.dict.type=<type>} (use {@link org.postern.api.dict.DictType}); core's
 * {@link org.postern.api.dict.DictRegistry} opens {@code type:name} strings as written in main.cf.
 * A lookup has four outcomes, see {@link org.postern.api.dict.LookupResult}.
 *
 * <p>Versioning: a plugin compiled against 1.x imports {@code [1.0,2)}. Adding an abstract method
 * to an interface a plugin implements is a major change, so plugins built for another major
 * version do not resolve (and {@code postern:tables} says so) rather than failing at lookup time.
 * Adding a default method is minor: 1.1 added {@link org.postern.api.dict.DictFactory#create}
 * and {@link org.postern.api.dict.DictWriter} (postmap and postalias building indexed tables);
 * 1.0 plugins keep working and refuse to create tables.
 */
@Export
@Version("1.1.0")
package org.postern.api.dict;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
