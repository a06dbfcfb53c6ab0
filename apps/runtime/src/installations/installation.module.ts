import { Global, Module } from '@nestjs/common';
import { InstallationController } from './installation.controller.js';
import { InstallationRepository } from './installation.repository.js';
import { InstallationService } from './installation.service.js';

@Global()
@Module({
  controllers: [InstallationController],
  providers: [InstallationRepository, InstallationService],
  exports: [InstallationService],
})
export class InstallationModule {}
