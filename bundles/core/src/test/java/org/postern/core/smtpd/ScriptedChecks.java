// SPDX-License-Identifier: Apache-2.0
package org.postern.core.smtpd;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.postern.core.config.ConfigException;
import org.postern.core.config.PostfixConfig;
import org.postern.core.dict.DictRegistryImpl;
import org.postern.core.rewrite.DeliveryRouter;
import org.postern.core.rewrite.LookupFailure;
import org.postern.core.smtp.SmtpReply;
import org.postern.core.smtpd.restrict.CheckResult;
import org.postern.core.smtpd.restrict.ForbiddenCommands;
import org.postern.core.smtpd.restrict.MessageAction;
import org.postern.core.smtpd.restrict.SmtpFacts;
import org.postern.core.smtpd.restrict.SmtpStage;
import org.postern.core.smtpd.restrict.SmtpdChecks;
import org.postern.maps.regexp.RegexpDictFactory;

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
    /** Tables for smtpd_forbidden_commands: core's registry with inline: and the regexp plugin's factory. */
    private static final DictRegistryImpl TABLES = new DictRegistryImpl(java.nio.file.Path.of("/nonexistent"));

    static {
        TABLES.register("regexp", new RegexpDictFactory(), "postern-map-regexp");
        TABLES.register("inline", new org.postern.core.dict.builtin.InlineDictFactory(), "postern-core");
    }

    /** smtpd_forbidden_commands: Postfix's default until {@link #forbidding} reads a main.cf. */
    private volatile ForbiddenCommands forbidden = forbiddenCommands(TestConfigs.config());

    /** smtpd_forbidden_commands of {@code config}, its tables opened with real regexp: support. */
    static ForbiddenCommands forbiddenCommands(PostfixConfig config) {
        try {
            return ForbiddenCommands.parse(config.list("smtpd_forbidden_commands"), TABLES);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** trivial-rewrite's resolve for the main.cf {@link #forbidding} read: the milters' route macros. */
    private volatile DeliveryRouter router;

    /** Takes smtpd_forbidden_commands and the routing from {@code config}, as the real restrictions do. */
    ScriptedChecks forbidding(PostfixConfig config) {
        forbidden = forbiddenCommands(config);
        try {
            router = new DeliveryRouter(config, TABLES);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e);
        }
        return this;
    }

    @Override
    public Optional<DeliveryRouter.Channel> route(String address, String sender) {
        try {
            return router == null ? Optional.empty() : Optional.of(router.route(address, sender));
        } catch (LookupFailure e) {
            return Optional.empty();
        }
    }

    @Override
    public boolean forbiddenCommand(String command) {
        return forbidden.forbids(command);
    }

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
