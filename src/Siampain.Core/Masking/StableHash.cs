namespace Siampain.Masking;

/// <summary>
/// FNV-1a of a string: picks the same mask for the same image on every run and machine, which string.GetHashCode
/// (randomised per process) does not.
/// </summary>
public static class StableHash
{
    public static uint Of(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }
}
