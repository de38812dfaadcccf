// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.virtual;

import java.util.List;

import org.osgi.service.component.annotations.Component;
import org.postern.api.parameter.Parameter;
import org.postern.api.parameter.ParameterSet;

/**
 * SUMMARY   The main.cf parameters of virtual(8), with Postfix 3.7's defaults: declared here
 *           only (core knows virtual_mailbox_maps, which smtpd and trivial-rewrite read too).
 * CONFIGURATION PARAMETERS
 *   virtual_mailbox_base (empty), virtual_uid_maps, virtual_gid_maps (empty),
 *   virtual_minimum_uid (100), virtual_mailbox_limit (51200000; 0 = none),
 *   virtual_mailbox_lock (fcntl, dotlock), and Postern's virtual_mailbox_path (empty): a
 *   template like forward_path giving the mailbox path itself, e.g.
 *   "${virtual_mailbox_base}/${domain}/${user}/Maildir/", used instead of the
 *   virtual_mailbox_maps value when set.
 */
@Component(service = ParameterSet.class)
public final class VirtualParameters implements ParameterSet {

    static final Parameter MAILBOX_BASE = Parameter.string("virtual_mailbox_base", "");
    static final Parameter UID_MAPS = Parameter.list("virtual_uid_maps", "");
    static final Parameter GID_MAPS = Parameter.list("virtual_gid_maps", "");
    static final Parameter MINIMUM_UID = Parameter.integer("virtual_minimum_uid", "100", 1);
    static final Parameter MAILBOX_LIMIT = Parameter.size("virtual_mailbox_limit", "51200000", 0);
    static final Parameter MAILBOX_LOCK = Parameter.list("virtual_mailbox_lock", "fcntl, dotlock");
    /** Postern's: a template like forward_path giving the mailbox path itself. */
    static final Parameter MAILBOX_PATH = Parameter.string("virtual_mailbox_path", "").withTemplate();

    private static final List<Parameter> ALL = List.of(MAILBOX_BASE, UID_MAPS, GID_MAPS, MINIMUM_UID, MAILBOX_LIMIT,
            MAILBOX_LOCK, MAILBOX_PATH);

    @Override
    public List<Parameter> parameters() {
        return ALL;
    }
}
