using System.CommandLine;
using Siampain.Storage;
using Spectre.Console;

namespace Siampain.Cli;

/// <summary>`siampain people list|remove`: who is enrolled.</summary>
internal static class PeopleCommand
{
    public static Command Create()
    {
        var list = new Command("list", "List enrolled people and how many face templates each has") { PeopleCommandSupport.Database };
        list.SetAction(result => PeopleCommandSupport.Run(() =>
        {
            using var db = PeopleCommandSupport.Open(result);
            PeopleCommandSupport.ReportRecovery(db);
            var people = new PeopleStore(db);
            var table = new Table().AddColumns("Id", "Name", "Templates", "Enrolled (UTC)");
            foreach (var person in people.List())
            {
                table.AddRow(Markup.Escape(person.Id), Markup.Escape(person.Name), people.CountTemplates(person.Id).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    person.Created.UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture));
            }

            AnsiConsole.Write(table);
            return 0;
        }));

        var id = new Argument<string>("id") { Description = "The person's id" };
        var remove = new Command("remove", "Remove a person and all their face templates (attendance records are kept)") { id, PeopleCommandSupport.Database };
        remove.SetAction(result => PeopleCommandSupport.Run(() =>
        {
            using var db = PeopleCommandSupport.Open(result);
            var personId = result.GetValue(id)!;
            if (!new PeopleStore(db).Remove(personId))
            {
                throw new KeyNotFoundException($"No person with id '{personId}' in {db.Path}; see `siampain people list`.");
            }

            AnsiConsole.MarkupLine($"Removed [bold]{Markup.Escape(personId)}[/] and their templates.");
            return 0;
        }));

        return new Command("people", "Enrolled people") { list, remove };
    }
}
