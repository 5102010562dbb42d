return ActorCausal.Simulation.Cli.Run(args, Console.Out, Console.Error);
