// SPDX-License-Identifier: Apache-2.0
package org.postern.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The plugin contract, pinned: a table or transport bundle reaches Postern only through the
 * api ({@code org.postern.api.*}), never through core's packages (which core does not export,
 * so such a plugin would not even resolve in Karaf). Plugins may share a library of their own
 * kind (sql-common for the SQL tables, delivery-common for local, virtual and pipe), but a
 * table never uses a delivery agent's code and the other way round.
 */
@AnalyzeClasses(packages = {"org.postern.maps", "org.postern.transport", "org.postern.milter", "org.postern.tlsrpt"},
        importOptions = ImportOption.DoNotIncludeTests.class)
class PluginRulesTest {

    @ArchTest
    static final ArchRule PLUGINS_USE_CORE_ONLY_THROUGH_THE_API = noClasses()
            .that().resideInAnyPackage("org.postern.maps..", "org.postern.transport..", "org.postern.milter..",
                    "org.postern.tlsrpt..")
            .should().dependOnClassesThat().resideInAnyPackage("org.postern.core..");

    @ArchTest
    static final ArchRule TLSRPT_SEES_THE_SMTP_CLIENT_ONLY_THROUGH_ITS_EVENTS = noClasses()
            .that().resideInAPackage("org.postern.tlsrpt..")
            .should().dependOnClassesThat().resideInAnyPackage("org.postern.transport..", "org.postern.maps..");

    @ArchTest
    static final ArchRule TABLES_DO_NOT_USE_DELIVERY_AGENTS = noClasses()
            .that().resideInAPackage("org.postern.maps..")
            .should().dependOnClassesThat().resideInAPackage("org.postern.transport..");

    @ArchTest
    static final ArchRule DELIVERY_AGENTS_DO_NOT_USE_TABLE_PLUGINS = noClasses()
            .that().resideInAPackage("org.postern.transport..")
            .should().dependOnClassesThat().resideInAPackage("org.postern.maps..");
}
