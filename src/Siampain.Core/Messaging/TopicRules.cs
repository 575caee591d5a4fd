namespace Siampain.Messaging;

/// <summary>What a configured topic prefix may look like, so every topic built from it is a valid publish topic.</summary>
internal static class TopicRules
{
    /// <summary>Null when the prefix is usable, otherwise why it is not.</summary>
    public static string? CheckPrefix(string? prefix)
    {
        if (string.IsNullOrEmpty(prefix))
        {
            return "the topic prefix is empty.";
        }

        if (prefix.AsSpan().IndexOfAny('+', '#') >= 0)
        {
            return $"'{prefix}' contains the wildcard '+' or '#', which is not allowed in a topic that is published to.";
        }

        if (prefix.Contains('\0', StringComparison.Ordinal))
        {
            return $"'{prefix}' contains a NUL character.";
        }

        if (prefix.StartsWith('$'))
        {
            return $"'{prefix}' starts with '$', which brokers reserve for their own topics.";
        }

        foreach (var level in prefix.Split('/'))
        {
            if (level.Length == 0)
            {
                return $"'{prefix}' has an empty topic level (a leading, trailing or doubled '/').";
            }

            if (level.Trim().Length != level.Length)
            {
                return $"'{prefix}' has a level with leading or trailing spaces ('{level}').";
            }
        }

        return null;
    }
}
