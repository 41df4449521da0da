from django import template

register = template.Library()

CLASSES = {"select": "usa-select", "textarea": "usa-textarea", "file": "usa-input upload-input"}


@register.filter
def uswds_widget(field):
    """Render a bound field's widget with USWDS classes and its hint/error linked for screen readers."""
    widget_type = field.widget_type
    css = CLASSES.get(widget_type, "usa-input")
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    attrs = {"class": css + (" usa-input--error" if field.errors else "")}
    if field.errors:
        described.append(f"{field.auto_id}-error")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.filter
def vn_phone(value: str) -> str:
    """+84912345678 as people write it: 0912 345 678 (anything else unchanged)."""
    value = str(value or "")
    if value.startswith("+84") and len(value) == 12 and value[1:].isdigit():
        local = "0" + value[3:]
        return f"{local[:4]} {local[4:7]} {local[7:]}"
    return value
