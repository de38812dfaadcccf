// SPDX-License-Identifier: Apache-2.0
package org.postern.core.bounce;

/**
 * The three notices Postfix's bounce(8) sends, with the subjects of its built-in templates
 * (bounce(5): failure_template, delay_template, success_template).
 */
public enum DsnKind {
    /** Undeliverable: some recipients failed for good. */
    FAILURE("Undelivered Mail Returned to Sender", "Postmaster Copy: Undelivered Mail", "Undelivered Message"),
    /** Delay warning: still being retried. */
    DELAY("Delayed Mail (still being retried)", "Postmaster Warning: Delayed Mail", "Delayed Message"),
    /** Success notice (NOTIFY=SUCCESS): delivered, relayed or expanded. */
    SUCCESS("Successful Mail Delivery Report", "Successful Mail Delivery Report", "Delivered Message");

    private final String subject;
    private final String postmasterSubject;
    private final String returnedDescription;

    DsnKind(String subject, String postmasterSubject, String returnedDescription) {
        this.subject = subject;
        this.postmasterSubject = postmasterSubject;
        this.returnedDescription = returnedDescription;
    }

    public String subject() {
        return subject;
    }

    public String postmasterSubject() {
        return postmasterSubject;
    }

    /** Content-Description of the returned message part (" Headers" is appended for headers only). */
    String returnedDescription() {
        return returnedDescription;
    }
}
