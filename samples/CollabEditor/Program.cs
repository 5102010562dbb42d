using CollabEditor.Cli;

return await App.Run(args, Console.Out, Console.Error);
