// SPDX-License-Identifier: Apache-2.0
package org.postern.core.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The shape of core, pinned: its packages (one job each, like Postfix's daemons) form no loop,
 * and the SMTP server is reached only from the master wiring and the shell commands; what
 * smtpd shares with cleanup, pickup and the queue manager lives below it (smtp, net, rewrite).
 */
@AnalyzeClasses(packages = "org.postern.core", importOptions = ImportOption.DoNotIncludeTests.class)
class PackageRulesTest {

    @ArchTest
    static final ArchRule CORE_PACKAGES_FORM_NO_LOOP = slices().matching("org.postern.core.(*)..")
            .should().beFreeOfCycles();

    @ArchTest
    static final ArchRule ONLY_THE_MASTER_AND_THE_SHELL_USE_SMTPD = noClasses()
            .that().resideOutsideOfPackages("org.postern.core.smtpd..", "org.postern.core.master..",
                    "org.postern.core.command..")
            .should().dependOnClassesThat().resideInAPackage("org.postern.core.smtpd..");
}
