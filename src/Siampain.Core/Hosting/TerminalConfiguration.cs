using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace Siampain.Hosting;

/// <summary>
/// The terminal's configuration, later sources overriding earlier ones: the JSON file, then environment variables
/// SIAMPAIN__Section__Key, then command-line overrides "Section:Key=value".
/// </summary>
public static class TerminalConfiguration
{
    public const string DefaultPath = "/etc/siampain/siampain.json";
    public const string EnvironmentPrefix = "SIAMPAIN__";

    /// <param name="path">The JSON file; null for none (the built-in defaults, for tools run where no file is installed).</param>
    /// <exception cref="TerminalConfigurationException">The file is missing, unreadable or not JSON, or an override is malformed.</exception>
    public static IConfigurationRoot Load(string? path, IEnumerable<string> overrides, bool environment = true)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        var builder = new ConfigurationBuilder();
        if (path is not null)
        {
            builder.AddJsonStream(new MemoryStream(ReadFile(path)));
        }

        if (environment)
        {
            builder.AddEnvironmentVariables(EnvironmentPrefix);
        }

        builder.AddInMemoryCollection(overrides.Select(ParseOverride));
        try
        {
            return builder.Build();
        }
        catch (JsonException e)
        {
            throw new TerminalConfigurationException($"{path}: not valid JSON: {JsonProblem(e)}", null, e);
        }
        catch (InvalidDataException e)
        {
            var detail = e.InnerException is JsonException json ? JsonProblem(json) : e.Message;
            throw new TerminalConfigurationException($"{path}: not valid JSON: {detail}", null, e);
        }
        catch (FormatException e)
        {
            // Duplicate keys (differing only in case) and the like.
            throw new TerminalConfigurationException($"{path}: {e.Message}", null, e);
        }
    }

    /// <summary>"Section:Key=value" -> (key, value); the value may be empty (it then clears the key).</summary>
    public static KeyValuePair<string, string?> ParseOverride(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        var key = equals < 0 ? string.Empty : text[..equals].Trim();
        if (key.Length == 0 || !key.Contains(':', StringComparison.Ordinal) || key.StartsWith(':') || key.EndsWith(':'))
        {
            throw new TerminalConfigurationException(
                $"The override '{text}' is not of the form Section:Key=value (e.g. --set Camera:FrameRate=10).", null);
        }

        return new(key, text[(equals + 1)..]);
    }

    private static byte[] ReadFile(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                throw new TerminalConfigurationException($"{path} is a folder; --config takes the JSON file itself.", null);
            }

            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new TerminalConfigurationException(
                $"{path} does not exist: copy deploy/siampain.example.json there and adapt it, or pass another file with --config.", null, e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new TerminalConfigurationException(
                $"{path} cannot be read (permission denied): make it readable by the service user (e.g. chmod 640, group siampain).", null, e);
        }
        catch (IOException e)
        {
            throw new TerminalConfigurationException($"{path} cannot be read: {e.Message}", null, e);
        }
    }

    private static string JsonProblem(JsonException json) =>
        json.LineNumber is { } line ? $"line {line + 1}, position {json.BytePositionInLine + 1}: {FirstSentence(json.Message)}" : json.Message;

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}

/// <summary>The configuration cannot be used; the message names the file or key and what is allowed.</summary>
public sealed class TerminalConfigurationException : Exception
{
    public TerminalConfigurationException(string message, string? key, Exception? inner = null)
        : base(message, inner)
    {
        Key = key;
    }

    /// <summary>The first offending key ("Camera:Kind"), when one key is to blame.</summary>
    public string? Key { get; }
}
