// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd.restrict;

/**
 * What a restriction list is checking, as its replies name it: "&lt;replyName&gt;: replyClass
 * rejected: ...".
 *
 * @param replyName     the client, HELO name, address or command the list is about
 * @param replyClass    one of the {@link Replies} class names ("Client host", "Sender address", ...)
 * @param defaultAccess the check_*_access that a bare "type:table" in this list means; null in
 *                      the DATA and end-of-data lists, where a bare table is refused
 */
record Target(String replyName, String replyClass, RestrictionName defaultAccess) {
}
