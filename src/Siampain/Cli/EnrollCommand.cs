using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Siampain.Hosting;
using Siampain.Imaging;
using Siampain.Models;
using Siampain.Pipeline;
using Siampain.Recognition;
using Siampain.Storage;
using Spectre.Console;

namespace Siampain.Cli;

/// <summary>
/// `siampain enroll &lt;person-id&gt; --name "..." &lt;photos...&gt;`: face templates from photos, with the door's quality
/// gate. Photos without exactly one clear face are skipped with a warning; a file that is not an image stops the
/// enrolment before anything is written, so a mistyped path is fixed rather than silently left out.
/// </summary>
internal static class EnrollCommand
{
    private const int ProgressFrom = 5;
    private static readonly string[] PhotoExtensions = [".jpg", ".jpeg", ".png", ".bmp", ".gif", ".pgm", ".ppm"];

    public static Command Create()
    {
        var id = new Argument<string>("person-id") { Description = "The person's id (as on the course rosters)" };
        var photos = new Argument<FileInfo[]>("photos")
        {
            Description = "Photos of the person (files or folders of photos); each must show exactly one face",
            Arity = ArgumentArity.OneOrMore,
        };
        var name = new Option<string?>("--name") { Description = "The person's name (required for a new person; renames an enrolled one)" };
        var masked = new Option<bool>("--masked") { Description = "The photos show the person wearing a mask (templates are marked masked)" };
        var db = new Option<FileInfo?>("--db") { Description = "The database file (default: Storage:Path of the configuration)" };
        var models = new Option<DirectoryInfo?>("--models") { Description = "The models folder (default: Recognition:ModelsFolder of the configuration)" };
        var command = new Command("enroll", "Enrol a person from photos: one face template per good photo")
        {
            id, photos, name, masked, RunCommand.Config, RunCommand.Set, db, models,
        };
        command.SetAction(result =>
        {
            string[] shortcuts =
            [
                .. result.GetValue(db) is { } file ? [$"{Storage.StorageOptions.SectionName}:Path={file.FullName}"] : Array.Empty<string>(),
                .. result.GetValue(models) is { } folder ? [$"{RecognitionOptions.Section}:ModelsFolder={folder.FullName}"] : Array.Empty<string>(),
            ];
            return Run(RunCommand.Settings(result, requireFile: false, shortcuts), result.GetValue(id)!, result.GetValue(name),
                result.GetValue(photos)!, result.GetValue(masked));
        });
        return command;
    }

    private static int Run(TerminalHostSettings settings, string personId, string? name, FileInfo[] arguments, bool masked)
    {
        try
        {
            using var host = TerminalHost.CreateBuilder(settings with { ConfigureLogging = _ => { } }).Build();
            var recognition = host.Services.GetRequiredService<IOptions<RecognitionOptions>>().Value;
            var storage = host.Services.GetRequiredService<IOptions<StorageOptions>>().Value;
            var files = Expand(arguments);

            // Opened first: a database held by the running service or a missing name fails before minutes of analysis.
            using var exclusive = DatabaseLock.Acquire(storage.Path);
            using var database = new SiampainDatabase(storage, TimeProvider.System);
            var people = new PeopleStore(database);
            PhotoEnroller.RequireName(people, personId, name);
            using var analyzer = new FaceAnalyzer(ModelManifest.Load(RecognitionEngine.ModelsFolderOf(recognition)), recognition.Embedder, recognition.Threads);
            var enroller = new PhotoEnroller(analyzer, recognition);
            var (checks, unreadable) = CheckAll(enroller, files);

            foreach (var check in checks.Where(c => !c.Usable))
            {
                AnsiConsole.MarkupLine($"[yellow]warning:[/] {Markup.Escape(check.Path)}: {Markup.Escape(check.Problem!)}; skipped.");
            }

            if (unreadable.Count > 0)
            {
                foreach (var problem in unreadable)
                {
                    CommandErrors.Report(problem, ExitCodes.Failure);
                }

                AnsiConsole.MarkupLine($"Nothing was stored: remove or replace the {unreadable.Count} file(s) that are not photos and run again.");
                return ExitCodes.Failure;
            }

            var stored = PhotoEnroller.Store(people, personId, name, checks, enroller.ModelId, masked, DateTimeOffset.UtcNow);
            var person = people.Find(personId)!;
            AnsiConsole.MarkupLine(
                $"Enrolled [bold]{Markup.Escape(person.Name)}[/] ({Markup.Escape(personId)}): {stored} photo(s) used of {checks.Count}" +
                $"{(masked ? ", stored as masked" : $", each with {MaskedTemplates.Count} masked templates painted by the project's masks")}" +
                $"{(stored < checks.Count ? $", {checks.Count - stored} skipped" : string.Empty)}; model {Markup.Escape(enroller.ModelId)}.");
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is EnrolmentException or StorageException or ArgumentException or FileNotFoundException or DirectoryNotFoundException)
        {
            return CommandErrors.Report(e.Message, ExitCodes.Failure);
        }
        catch (Exception e) when (TerminalHost.Describe(e) is { } failure)
        {
            return CommandErrors.Report(failure.Message, failure.ExitCode);
        }
    }

    /// <summary>Files as given; folders replaced by the photos in them, in name order.</summary>
    private static List<string> Expand(FileInfo[] arguments)
    {
        var files = new List<string>();
        foreach (var argument in arguments)
        {
            if (Directory.Exists(argument.FullName))
            {
                files.AddRange(Directory.EnumerateFiles(argument.FullName)
                    .Where(f => PhotoExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal));
            }
            else if (argument.Exists)
            {
                files.Add(argument.FullName);
            }
            else
            {
                throw new FileNotFoundException($"{argument.FullName} does not exist.");
            }
        }

        return files.Count > 0 ? files : throw new EnrolmentException("No photos given (the folders hold no .jpg, .png, .bmp, .gif, .pgm or .ppm files).");
    }

    private static (List<PhotoCheck> Checks, List<string> Unreadable) CheckAll(PhotoEnroller enroller, List<string> files)
    {
        var checks = new List<PhotoCheck>();
        var unreadable = new List<string>();
        void CheckOne(string file)
        {
            try
            {
                checks.Add(enroller.Check(file));
            }
            catch (InvalidImageException e)
            {
                unreadable.Add(e.Message);
            }
        }

        if (files.Count < ProgressFrom)
        {
            files.ForEach(CheckOne);
        }
        else
        {
            AnsiConsole.Progress().Start(context =>
            {
                var task = context.AddTask("Analysing photos", maxValue: files.Count);
                foreach (var file in files)
                {
                    CheckOne(file);
                    task.Increment(1);
                }
            });
        }

        return (checks, unreadable);
    }
}
