package io.ktstr4j.schemas.json;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.introspect.AnnotatedClass;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.ser.VirtualBeanPropertyWriter;
import com.fasterxml.jackson.databind.util.Annotations;
import io.ktstr4j.schemas.Versioned;

/**
 * Writes the virtual {@code "schema": "name/major.minor"} property of {@link Versioned} records (attached with
 * {@code @JsonAppend(prepend = true)}), so every mapper configured or not emits it first.
 */
public final class SchemaPropertyWriter extends VirtualBeanPropertyWriter {
    private static final long serialVersionUID = 1L;

    public SchemaPropertyWriter() {}

    SchemaPropertyWriter(BeanPropertyDefinition propDef, Annotations contextAnnotations, JavaType declaredType) {
        super(propDef, contextAnnotations, declaredType);
    }

    @Override
    protected Object value(Object bean, com.fasterxml.jackson.core.JsonGenerator g, SerializerProvider prov) {
        Versioned v = bean.getClass().getAnnotation(Versioned.class);
        return v == null ? null : io.ktstr4j.schemas.SchemaIds.of(v);
    }

    @Override
    public VirtualBeanPropertyWriter withConfig(com.fasterxml.jackson.databind.cfg.MapperConfig<?> config, AnnotatedClass declaringClass,
                                                BeanPropertyDefinition propDef, JavaType type) {
        return new SchemaPropertyWriter(propDef, declaringClass.getAnnotations(), type);
    }
}
