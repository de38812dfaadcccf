// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dict;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.postern.api.dict.Dict;
import org.postern.api.dict.DictContext;
import org.postern.api.dict.DictException;
import org.postern.api.dict.DictFactory;
import org.postern.api.dict.DictFlag;
import org.postern.api.dict.DictRegistry;
import org.postern.api.dict.DictWriter;
import org.postern.api.dict.LookupResult;
import org.postern.core.runtime.RuntimePaths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SUMMARY   dict registry - opens "type:name" tables and follows table factories as bundles come and go.
 * DESCRIPTION
 *   Factories are a whiteboard: every DictFactory service with postern.dict.type. Open tables
 *   are shared per (spec, flags) as {@link DictHandle}s; when a type's factory arrives, leaves
 *   or is replaced, the handles of that type are reset and reopen on their next lookup, so a
 *   hot-installed plugin takes effect without a restart and an uninstalled one turns lookups
 *   into temporary failures ("unsupported dictionary type: ldap"), never into exceptions.
 * SECURITY  Table names come from main.cf and from administrators' shell commands.
 * SEE ALSO  Postfix dict_open(3), dict_surrogate.
 */
@Component(service = {DictRegistry.class, DictInventory.class}, immediate = true)
public final class DictRegistryImpl implements DictRegistry, DictInventory {

    private static final Logger LOG = LoggerFactory.getLogger("postern.dict");

    private final Map<String, TreeSet<DictProvider>> providers = new TreeMap<>();
    private final Map<String, DictHandle> handles = new ConcurrentHashMap<>();
    private final DictContext context;

    public DictRegistryImpl() {
        this(RuntimePaths.fromSystemProperties().configDirectory());
    }

    public DictRegistryImpl(Path configDirectory) {
        this.context = new Context(configDirectory, this, message -> LOG.warn("warning: {}", message));
    }

    private record Context(Path configDirectory, DictRegistry registry, Consumer<String> warnings)
            implements DictContext {
        @Override
        public void warn(String message) {
            warnings.accept(message);
        }
    }

    // --- the whiteboard -------------------------------------------------------------------

    @Reference(service = DictFactory.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindFactory(DictFactory factory, ServiceReference<DictFactory> ref) {
        for (String type : types(ref)) {
            addProvider(new DictProvider(type, factory, describe(ref.getBundle()), ranking(ref), serviceId(ref)));
        }
    }

    void unbindFactory(DictFactory factory, ServiceReference<DictFactory> ref) {
        for (String type : types(ref)) {
            removeProvider(type, factory);
        }
    }

    /**
     * Adds a factory outside the OSGi whiteboard, for code that embeds the registry without a
     * framework (the differential tests against Postfix).
     */
    public void register(String type, DictFactory factory, String origin) {
        addProvider(new DictProvider(type, factory, origin, 0, 0));
    }

    /** Adds a factory for {@code type}; tables of that type reopen on their next lookup. */
    void addProvider(DictProvider provider) {
        synchronized (providers) {
            providers.computeIfAbsent(provider.type(), t -> new TreeSet<>()).add(provider);
        }
        LOG.info("table type {} provided by {}", provider.type(), provider.bundle());
        resetHandles(provider.type(), null);
    }

    /** Removes a factory; tables of that type fail temporarily unless another factory remains. */
    void removeProvider(String type, DictFactory factory) {
        boolean remaining;
        synchronized (providers) {
            TreeSet<DictProvider> set = providers.get(type);
            if (set == null) {
                return;
            }
            set.removeIf(p -> p.factory() == factory);
            remaining = !set.isEmpty();
            if (!remaining) {
                providers.remove(type);
            }
        }
        LOG.info("table type {}: provider gone{}", type, remaining ? "" : ", type now unsupported");
        resetHandles(type, remaining ? null : unsupported(type));
    }

    @Deactivate
    void deactivate() {
        handles.values().forEach(h -> h.reset("dictionary registry stopped"));
        handles.clear();
    }

    // --- DictRegistry ---------------------------------------------------------------------

    @Override
    public Dict open(String spec, Set<DictFlag> flags) {
        DictSpec parsed;
        try {
            parsed = DictSpec.parse(spec);
        } catch (IllegalArgumentException e) {
            return new BrokenDict(spec, LookupResult.configurationError(e.getMessage()));
        }
        Set<DictFlag> normalized = flags.isEmpty() ? EnumSet.noneOf(DictFlag.class) : EnumSet.copyOf(flags);
        String key = parsed + "\u0000" + normalized;
        return handles.computeIfAbsent(key, k -> new DictHandle(parsed, normalized, (s, f) -> openNow(s, f, context)));
    }

    // --- DictInventory --------------------------------------------------------------------

    @Override
    public List<TypeInfo> types() {
        List<TypeInfo> list = new ArrayList<>();
        synchronized (providers) {
            providers.forEach((type, set) -> list.add(new TypeInfo(type, set.first().bundle(), set.size())));
        }
        return list;
    }

    @Override
    public List<TableStatistics> statistics() {
        java.util.TreeMap<String, String> sorted = new java.util.TreeMap<>();
        for (DictHandle handle : handles.values()) {
            String counted = handle.statistics();
            if (counted != null) {
                sorted.merge(handle.spec(), counted, (a, b) -> a + "; " + b);
            }
        }
        List<TableStatistics> list = new ArrayList<>();
        sorted.forEach((spec, counted) -> list.add(new TableStatistics(spec, counted)));
        return list;
    }

    @Override
    public Dict openFresh(String spec, Set<DictFlag> flags, Consumer<String> warnings) throws DictException {
        DictSpec parsed;
        try {
            parsed = DictSpec.parse(spec);
        } catch (IllegalArgumentException e) {
            throw new DictException(e.getMessage(), false);
        }
        return openNow(parsed, flags, new Context(context.configDirectory(), this, warnings));
    }

    @Override
    public DictWriter createFresh(String spec, Set<DictFlag> flags, Consumer<String> warnings) throws DictException {
        DictSpec parsed;
        try {
            parsed = DictSpec.parse(spec);
        } catch (IllegalArgumentException e) {
            throw new DictException(e.getMessage(), false);
        }
        DictFactory factory = factory(parsed.type());
        try {
            DictWriter writer = factory.create(parsed.name(), flags, new Context(context.configDirectory(), this, warnings));
            if (writer == null) {
                throw new DictException(parsed + ": table factory returned nothing", true);
            }
            return writer;
        } catch (DictException e) {
            if (DictException.CANNOT_CREATE.equals(e.getMessage())) {
                throw new DictException(unsupported(parsed.type()) + " " + e.getMessage(), false, e);
            }
            throw e;
        }
    }

    // --- internals ------------------------------------------------------------------------

    private DictFactory factory(String type) throws DictException {
        synchronized (providers) {
            TreeSet<DictProvider> set = providers.get(type);
            if (set == null) {
                throw new DictException(unsupported(type), true);
            }
            return set.first().factory();
        }
    }

    private Dict openNow(DictSpec spec, Set<DictFlag> flags, DictContext openContext) throws DictException {
        DictFactory factory = factory(spec.type());
        try {
            Dict dict = factory.open(spec.name(), flags, openContext);
            if (dict == null) {
                throw new DictException(spec + ": table factory returned nothing", true);
            }
            return dict;
        } catch (DictException e) {
            LOG.warn("{}: cannot open table: {}", spec, e.getMessage());
            throw e;
        }
    }

    @Override
    public void reopenAll() {
        handles.values().forEach(h -> h.reset("reopening after postfix reload"));
    }

    private void resetHandles(String type, String reason) {
        for (DictHandle handle : handles.values()) {
            if (handle.dictSpec().type().equals(type)) {
                handle.reset(reason);
            }
        }
    }

    static String unsupported(String type) {
        return "unsupported dictionary type: " + type;
    }

    private static List<String> types(ServiceReference<?> ref) {
        Object value = ref.getProperty(DictFactory.TYPE_PROPERTY);
        if (value instanceof String s) {
            return List.of(s.toLowerCase(java.util.Locale.ROOT));
        }
        if (value instanceof String[] array) {
            return List.of(array).stream().map(s -> s.toLowerCase(java.util.Locale.ROOT)).toList();
        }
        LOG.warn("DictFactory service {} has no {} property; ignored", ref, DictFactory.TYPE_PROPERTY);
        return List.of();
    }

    private static int ranking(ServiceReference<?> ref) {
        return ref.getProperty(Constants.SERVICE_RANKING) instanceof Integer i ? i : 0;
    }

    private static long serviceId(ServiceReference<?> ref) {
        return ref.getProperty(Constants.SERVICE_ID) instanceof Long l ? l : 0L;
    }

    private static String describe(Bundle bundle) {
        return bundle == null ? "(unknown bundle)"
                : bundle.getSymbolicName() + " " + bundle.getVersion() + " [" + bundle.getBundleId() + "]";
    }
}
