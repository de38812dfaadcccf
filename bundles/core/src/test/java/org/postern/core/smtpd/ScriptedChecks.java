// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.postern.core.smtp.SmtpReply;
import org.postern.core.smtpd.restrict.CheckResult;
import org.postern.core.smtpd.restrict.MessageAction;
import org.postern.core.smtpd.restrict.SmtpFacts;
import org.postern.core.smtpd.restrict.SmtpStage;
import org.postern.core.smtpd.restrict.SmtpdChecks;

/** Restrictions that answer from a script (per stage, or per recipient) and record every call. */
final class ScriptedChecks implements SmtpdChecks {

    record Call(SmtpStage stage, SmtpFacts facts) {
    }

    final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<SmtpStage, CheckResult> byStage = new ConcurrentHashMap<>();
    private final Map<String, CheckResult> byRecipient = new ConcurrentHashMap<>();
    volatile long delayMillis;
    volatile SmtpStage delayStage;
    /** smtpd_discard_ehlo_keyword_address_maps answers by client address. */
    final Map<String, String> ehloDiscards = new ConcurrentHashMap<>();
    /** fast_flush_domains. */
    final java.util.Set<String> fastFlushDomains = ConcurrentHashMap.newKeySet();

    @Override
    public boolean fastFlushDomain(String domain) {
        return fastFlushDomains.contains(domain);
    }

    @Override
    public boolean hasEhloDiscardMaps() {
        return !ehloDiscards.isEmpty();
    }

    @Override
    public java.util.Optional<String> ehloDiscardFor(String clientAddress) {
        return java.util.Optional.ofNullable(ehloDiscards.get(clientAddress));
    }

    ScriptedChecks reject(SmtpStage stage, int code, String enhanced, String text) {
        byStage.put(stage, refusal(code, enhanced, text));
        return this;
    }

    ScriptedChecks rejectRecipient(String recipient, int code, String enhanced, String text) {
        byRecipient.put(recipient, refusal(code, enhanced, text));
        return this;
    }

    ScriptedChecks actions(SmtpStage stage, MessageAction... actions) {
        byStage.put(stage, new CheckResult(CheckResult.Verdict.DUNNO, null, List.of(actions), List.of()));
        return this;
    }

    ScriptedChecks delay(SmtpStage stage, long millis) {
        delayStage = stage;
        delayMillis = millis;
        return this;
    }

    private static CheckResult refusal(int code, String enhanced, String text) {
        return new CheckResult(code >= 500 ? CheckResult.Verdict.REJECT : CheckResult.Verdict.DEFER,
                new SmtpReply(code, enhanced, text), List.of(), List.of());
    }

    @Override
    public CheckResult check(SmtpStage stage, SmtpFacts facts) {
        calls.add(new Call(stage, facts));
        if (stage == delayStage && delayMillis > 0) {
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (stage == SmtpStage.RCPT && facts.recipient() != null && byRecipient.containsKey(facts.recipient())) {
            return byRecipient.get(facts.recipient());
        }
        return byStage.getOrDefault(stage, CheckResult.DUNNO);
    }
}
