from django import template

register = template.Library()

CLASSES = {"select": "usa-select", "textarea": "usa-textarea"}


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
