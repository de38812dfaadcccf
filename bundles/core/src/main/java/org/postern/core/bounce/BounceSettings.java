// SPDX-License-Identifier: Apache-2.0
package org.postern.core.bounce;

import java.time.Duration;

import org.postern.api.delivery.ServiceSettings;

/**
 * The main.cf parameters notices depend on, with Postfix's defaults.
 *
 * @param myhostname              Reporting-MTA, the "This is the mail system at host" text, Message-ID
 * @param myorigin                domain for MAILER-DAEMON and unqualified notice recipients ($myhostname)
 * @param bounceSizeLimit         bounce_size_limit (50000): larger messages are returned as headers only
 * @param delayWarningTime        delay_warning_time (0h), for the delay notice's text
 * @param maximalQueueLifetime    maximal_queue_lifetime (5d): Will-Retry-Until and the delay text
 * @param doubleBounceSender      double_bounce_sender (double-bounce); used as given when it has an "@"
 * @param bounceNoticeRecipient   bounce_notice_recipient (postmaster)
 * @param doubleBounceRecipient   2bounce_notice_recipient (postmaster)
 * @param delayNoticeRecipient    delay_notice_recipient (postmaster)
 */
public record BounceSettings(String myhostname, String myorigin, long bounceSizeLimit, Duration delayWarningTime,
                             Duration maximalQueueLifetime, String doubleBounceSender, String bounceNoticeRecipient,
                             String doubleBounceRecipient, String delayNoticeRecipient) {

    public static BounceSettings from(ServiceSettings s) {
        String host = s.get("myhostname", "localhost");
        return new BounceSettings(host, s.get("myorigin", host), s.integer("bounce_size_limit", 50000),
                s.time("delay_warning_time", Duration.ZERO), s.time("maximal_queue_lifetime", Duration.ofDays(5)),
                s.get("double_bounce_sender", "double-bounce"), s.get("bounce_notice_recipient", "postmaster"),
                s.get("2bounce_notice_recipient", "postmaster"), s.get("delay_notice_recipient", "postmaster"));
    }

    /** The envelope sender of postmaster notices: double_bounce_sender, qualified unless it has an "@". */
    public String doubleBounceAddress() {
        return doubleBounceSender.contains("@") ? doubleBounceSender : doubleBounceSender + "@" + myhostname;
    }

    /** An unqualified notice recipient (postmaster) gets @$myorigin, as cleanup would append. */
    String qualify(String address) {
        return address.contains("@") ? address : address + "@" + myorigin;
    }
}
