// SPDX-License-Identifier: Apache-2.0
package org.postern.api.dns;

/** The record types an MTA asks for. */
public enum DnsRecordType { A, AAAA, MX, TXT, PTR, TLSA, CNAME }
