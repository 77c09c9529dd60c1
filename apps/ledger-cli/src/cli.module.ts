import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { LedgerModule, validateLedgerConfig } from '@ledger/ledger';
import { ExportCommand } from './export.command';
import { ImportCommand } from './import.command';
import { RebuildCommand } from './rebuild.command';
import { VerifyCommand } from './verify.command';

/** The operator's tools over the same application layer as the API, configured by the same variables. */
@Module({
  imports: [ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, validate: (env) => validateLedgerConfig(env, 'operator-cli') }), LedgerModule.forOperators()],
  providers: [RebuildCommand, ExportCommand, ImportCommand, VerifyCommand],
})
export class CliModule {}
