namespace Siampain.Packages;

/// <summary>Finds the checkout (the folder holding Siampain.sln) when a tool runs from inside one.</summary>
public static class RepositoryLayout
{
    public static string? TryFindRoot(string? start = null)
    {
        for (var dir = new DirectoryInfo(start ?? AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Siampain.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }

    public static string FindRoot() =>
        TryFindRoot() ?? TryFindRoot(Directory.GetCurrentDirectory())
        ?? throw new InvalidOperationException("Not inside a Siampain checkout (no Siampain.sln above this folder).");
}
