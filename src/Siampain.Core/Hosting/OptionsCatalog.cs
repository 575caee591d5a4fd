using System.Collections;
using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Siampain.Attendance;
using Siampain.Camera;
using Siampain.Gpio;
using Siampain.Messaging;
using Siampain.Pipeline;
using Siampain.Storage;

namespace Siampain.Hosting;

/// <summary>One configuration section and the options class it binds to.</summary>
public sealed record OptionsSection(string Name, Type OptionsType)
{
    /// <summary>The keys of the section: the options class's public settable properties, in declaration order.</summary>
    public IReadOnlyList<PropertyInfo> Keys { get; } =
        [.. OptionsType.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true }).OrderBy(p => p.MetadataToken)];
}

/// <summary>
/// Every section of the terminal's configuration and what each key accepts, read from the options classes
/// themselves (types, enums, DataAnnotations ranges). It checks a configuration before binding, so that a wrong
/// type, an unknown enum value or a misspelt key is reported by its key with the allowed values, and it is what
/// keeps docs/configuration.md honest.
/// </summary>
public static class OptionsCatalog
{
    /// <summary>Sections not bound to options but legitimately present (the host's logging filters).</summary>
    public static readonly IReadOnlyList<string> FreeFormSections = ["Logging"];

    public static IReadOnlyList<OptionsSection> Sections { get; } =
    [
        new(RecognitionOptions.Section, typeof(RecognitionOptions)),
        new(FrameSourceOptions.SectionName, typeof(FrameSourceOptions)),
        new(DoorSignalOptions.SectionName, typeof(DoorSignalOptions)),
        new(StorageOptions.SectionName, typeof(StorageOptions)),
        new(OutboxOptions.SectionName, typeof(OutboxOptions)),
        new(AttendanceOptions.SectionName, typeof(AttendanceOptions)),
        new(MqttOptions.SectionName, typeof(MqttOptions)),
        new(TerminalOptions.SectionName, typeof(TerminalOptions)),
    ];

    public static string? SectionOf(Type optionsType) => Sections.FirstOrDefault(s => s.OptionsType == optionsType)?.Name;

    /// <summary>
    /// Checks every key present against its options property. Returns the sections nobody reads (a warning: they may
    /// belong to a newer version); throws for anything that would bind wrongly or not at all.
    /// </summary>
    /// <exception cref="TerminalConfigurationException">Lists every problem, each naming its key and what is allowed.</exception>
    public static IReadOnlyList<string> Check(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var errors = new List<(string Key, string Message)>();
        var unused = new List<string>();
        foreach (var child in configuration.GetChildren())
        {
            var section = Sections.FirstOrDefault(s => string.Equals(s.Name, child.Key, StringComparison.OrdinalIgnoreCase));
            if (section is null)
            {
                if (!FreeFormSections.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
                {
                    unused.Add(child.Key);
                }

                continue;
            }

            if (child.Value is { Length: > 0 } && !child.GetChildren().Any())
            {
                errors.Add((child.Path, $"{child.Path} must be an object of keys ({string.Join(", ", section.Keys.Select(k => k.Name))}), not '{child.Value}'."));
                continue;
            }

            foreach (var entry in child.GetChildren())
            {
                CheckKey(section, entry, errors);
            }
        }

        if (errors.Count > 0)
        {
            var message = errors.Count == 1
                ? errors[0].Message
                : $"{errors.Count} configuration problems:\n" + string.Join("\n", errors.Select(e => "  " + e.Message));
            throw new TerminalConfigurationException(message, errors[0].Key);
        }

        return unused;
    }

    /// <summary>What a key accepts, in words: "one of Rpicam, Command", "a whole number from 16 to 4096", ...</summary>
    public static string Allowed(PropertyInfo property)
    {
        ArgumentNullException.ThrowIfNull(property);
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        var range = property.GetCustomAttribute<RangeAttribute>();
        var bounds = range is null ? string.Empty : $" from {Format(range.Minimum)} to {Format(range.Maximum)}";
        if (type.IsEnum)
        {
            return "one of " + string.Join(", ", Enum.GetNames(type));
        }

        if (type == typeof(bool))
        {
            return "true or false";
        }

        if (type == typeof(int) || type == typeof(long))
        {
            return "a whole number" + bounds;
        }

        if (type == typeof(float) || type == typeof(double))
        {
            return "a number" + bounds;
        }

        if (type == typeof(TimeSpan))
        {
            return "a duration [d.]hh:mm:ss[.fff]" + bounds;
        }

        if (IsList(type))
        {
            return "a list of strings";
        }

        var text = property.GetCustomAttribute<RegularExpressionAttribute>() is { } pattern ? $"text matching `{pattern.Pattern}`"
            : property.GetCustomAttribute<MaxLengthAttribute>() is { } max ? $"text of up to {max.Length} characters"
            : "text";
        return property.GetCustomAttribute<RequiredAttribute>() is null ? text : text + ", required";
    }

    /// <summary>The value a fresh options object has for a key, as it would be written in the JSON file.</summary>
    public static string DefaultOf(OptionsSection section, PropertyInfo property)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(property);
        var value = property.GetValue(Activator.CreateInstance(section.OptionsType));
        return value switch
        {
            null => "(none)",
            string s => s.Length == 0 ? "\"\"" : s,
            bool b => b ? "true" : "false",
            IEnumerable list when IsList(property.PropertyType) => "[" + string.Join(", ", list.Cast<object>()) + "]",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? string.Empty,
        };
    }

    /// <summary>
    /// A validator's failures as lines that name the configuration key ("Camera:Width must be between 16 and
    /// 4096.") instead of the C# member.
    /// </summary>
    public static IReadOnlyList<string> Describe(OptionsValidationException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var section = Sections.FirstOrDefault(s => s.OptionsType == exception.OptionsType);
        return [.. exception.Failures.Select(f => section is null ? f : Rename(section, f))];
    }

    private static string Rename(OptionsSection section, string failure)
    {
        // Failures come as "Member: message" (DataAnnotations, IValidatableObject) or "Property Key: message" (rules).
        var text = (failure.StartsWith("Property ", StringComparison.Ordinal) ? failure["Property ".Length..] : failure)
            .Replace($"The field {section.OptionsType.Name}.", $"{section.Name}:", StringComparison.Ordinal);
        var colon = text.IndexOf(": ", StringComparison.Ordinal);
        if (colon > 0)
        {
            var members = text[..colon].Split(", ");
            if (members.All(m => section.Keys.Any(k => k.Name == m)))
            {
                var rest = text[(colon + 2)..];
                text = rest.Contains($"{section.Name}:{members[0]}", StringComparison.Ordinal)
                    ? rest
                    : $"{string.Join(", ", members.Select(m => $"{section.Name}:{m}"))}: {rest}";
            }
        }

        return text;
    }

    private static void CheckKey(OptionsSection section, IConfigurationSection entry, List<(string Key, string Message)> errors)
    {
        var property = section.Keys.FirstOrDefault(p => string.Equals(p.Name, entry.Key, StringComparison.OrdinalIgnoreCase));
        if (property is null)
        {
            errors.Add((entry.Path, $"{entry.Path} is not a known key; {section.Name} has: {string.Join(", ", section.Keys.Select(k => k.Name))}."));
            return;
        }

        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        var key = $"{section.Name}:{property.Name}";
        if (IsList(type))
        {
            if (entry.Value is { Length: > 0 })
            {
                errors.Add((key, $"{key} must be a list of strings, e.g. [\"--rotation\", \"180\"], not '{entry.Value}'."));
            }

            return;
        }

        if (entry.GetChildren().Any())
        {
            errors.Add((key, $"{key} must be a single value ({Allowed(property)}), not an object or a list."));
            return;
        }

        var value = entry.Value;
        if (string.IsNullOrEmpty(value))
        {
            // An empty value binds as null/empty; [Required] and the validators judge whether that is allowed.
            if (type.IsValueType && Nullable.GetUnderlyingType(property.PropertyType) is null)
            {
                errors.Add((key, $"{key} is empty; it must be {Allowed(property)}."));
            }

            return;
        }

        if (!Converts(type, value))
        {
            errors.Add((key, $"{key} is '{value}'; it must be {Allowed(property)}."));
        }
    }

    private static bool Converts(Type type, string value)
    {
        if (type.IsEnum)
        {
            // The binder would accept any number for an enum, even one that names nothing.
            return Enum.TryParse(type, value, ignoreCase: true, out var parsed) && Enum.IsDefined(type, parsed!) && !char.IsAsciiDigit(value.TrimStart('-')[0]);
        }

        if (type == typeof(string))
        {
            return true;
        }

        try
        {
            _ = TypeDescriptor.GetConverter(type).ConvertFromInvariantString(value);
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or NotSupportedException or OverflowException
            || e.InnerException is FormatException or OverflowException)
        {
            return false;
        }
    }

    private static bool IsList(Type type) => type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type);

    private static string Format(object value) => value is IFormattable f ? f.ToString(null, CultureInfo.InvariantCulture) : value.ToString() ?? string.Empty;
}
