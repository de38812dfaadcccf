// SPDX-License-Identifier: Apache-2.0
package org.postern.api.dict;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.service.component.annotations.ComponentPropertyType;

/** Component property type: {@code @DictType("cidr")} yields {@code postern.dict.type=cidr}. */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface DictType {
    String PREFIX_ = "postern.";

    String value();
}
