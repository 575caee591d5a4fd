using System.CommandLine;
using Siampain.Attendance;
using Siampain.Hosting;
using Siampain.Storage;
using Spectre.Console;

namespace Siampain.Cli;

/// <summary>What the storage commands share: the database option and one way to report failures.</summary>
internal static class PeopleCommandSupport
{
    /// <summary>Until the service's configuration file is read here, commands take the database path directly.</summary>
    public static readonly Option<FileInfo> Database = new("--db")
    {
        Description = $"The terminal's database file (default {StorageOptions.DefaultPath})",
        DefaultValueFactory = _ => new FileInfo(StorageOptions.DefaultPath),
    };

    /// <summary>Held until the command's process exits, so the running service's database is never opened twice.</summary>
    private static DatabaseLock? s_exclusive;

    public static SiampainDatabase Open(ParseResult result)
    {
        var path = result.GetValue(Database)!.FullName;
        s_exclusive ??= DatabaseLock.Acquire(path);
        return new(new StorageOptions { Path = path }, TimeProvider.System);
    }

    /// <summary>Runs a command body; expected failures print one clear line and exit 1, anything else is a bug.</summary>
    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is StorageException or CourseFileException or GalleryFileException or KeyNotFoundException or ArgumentException)
        {
            return CommandErrors.Report(e.Message, ExitCodes.Failure);
        }
    }

    /// <summary>Tells the technician when the database had to be recovered while opening.</summary>
    public static void ReportRecovery(SiampainDatabase db)
    {
        if (db.Recovery is { } report)
        {
            AnsiConsole.MarkupLine(
                $"[yellow]warning:[/] {Markup.Escape(db.Path)} was damaged ({Markup.Escape(report.Problem)}); kept as {Markup.Escape(report.SetAsidePath)}, recovered {report.RecoveredDocuments} documents.");
        }
    }
}
