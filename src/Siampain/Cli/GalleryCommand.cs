using System.CommandLine;
using Siampain.Storage;
using Spectre.Console;

namespace Siampain.Cli;

/// <summary>`siampain gallery export|import`: face templates (never photos) in and out, to enrol terminals centrally.</summary>
internal static class GalleryCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model")
        {
            Description = "Embedding model id of the templates (export: which to write when several; import: the model this terminal runs, refused if the file differs)",
        };

        var exportFile = new Argument<FileInfo>("file") { Description = "The gallery JSON file to write" };
        var export = new Command("export", "Write everyone's face templates to a JSON file") { exportFile, model, PeopleCommandSupport.Database };
        export.SetAction(result => PeopleCommandSupport.Run(() =>
        {
            using var db = PeopleCommandSupport.Open(result);
            PeopleCommandSupport.ReportRecovery(db);
            var gallery = GalleryFile.Export(new PeopleStore(db), result.GetValue(model), TimeProvider.System.GetUtcNow());
            gallery.Save(result.GetValue(exportFile)!.FullName);
            AnsiConsole.MarkupLine(
                $"Exported [bold]{gallery.People.Count}[/] people, {gallery.People.Sum(p => p.Templates.Count)} templates of model {Markup.Escape(gallery.ModelId)}.");
            return 0;
        }));

        var importFile = new Argument<FileInfo>("file") { Description = "A gallery JSON file written by `gallery export`" };
        var import = new Command("import", "Add people from a gallery file and replace their templates of that model") { importFile, model, PeopleCommandSupport.Database };
        import.SetAction(result => PeopleCommandSupport.Run(() =>
        {
            var gallery = GalleryFile.Load(result.GetValue(importFile)!.FullName);
            using var db = PeopleCommandSupport.Open(result);
            var (people, templates) = gallery.ImportInto(new PeopleStore(db), result.GetValue(model), TimeProvider.System.GetUtcNow());
            AnsiConsole.MarkupLine($"Imported [bold]{people}[/] people, {templates} templates of model {Markup.Escape(gallery.ModelId)}.");
            return 0;
        }));

        return new Command("gallery", "Face templates in and out (templates only, with their model id)") { export, import };
    }
}
