// SPDX-License-Identifier: Apache-2.0
package org.postern.api.dns;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.service.component.annotations.ComponentPropertyType;

/** Component property type: {@code @DnsResolverName(dns_resolver = "fake")} yields {@code postern.dns.resolver=fake}. */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface DnsResolverName {
    String PREFIX_ = "postern.";

    String dns_resolver();
}
