// SPDX-License-Identifier: Apache-2.0
package org.postern.api.delivery;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.service.component.annotations.ComponentPropertyType;

/** Component property type: {@code @TransportAgent("smtp")} yields {@code postern.transport.agent=smtp}. */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface TransportAgent {
    String PREFIX_ = "postern.";

    String value();
}
