import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CorrelationId, CurrentPrincipal, RequireScopes } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { BodySchemaPipe } from '../common/body.pipe.js';
import { createRouteSchema, updateRouteSchema } from './dto/route.dto.js';
import type { CreateRouteBody, UpdateRouteBody } from './dto/route.dto.js';
import { RouteService } from './route.service.js';

@ApiTags('routes')
@Controller('v1/routes')
export class RouteController {
  constructor(@Inject(RouteService) private readonly routes: RouteService) {}

  @Post()
  @RequireScopes('installations:write')
  @ApiOperation({
    summary:
      "Join a trigger to an action; the mapping is dry-run on the trigger's examples (or sample), 422 with pointers",
  })
  @ApiBody({ schema: createRouteSchema })
  create(
    @Body(new BodySchemaPipe(createRouteSchema)) body: CreateRouteBody,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string,
  ) {
    return this.routes.create(body, principal, correlationId);
  }

  @Get()
  @RequireScopes('installations:read', 'installations:write')
  async list(@CurrentPrincipal() principal: Principal, @Query('tenantId') tenantId?: string) {
    return { routes: await this.routes.list(principal, tenantId) };
  }

  @Get(':id')
  @RequireScopes('installations:read', 'installations:write')
  get(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.routes.get(id, principal);
  }

  @Patch(':id')
  @RequireScopes('installations:write')
  @ApiOperation({ summary: 'Change, enable or disable a route; checked and dry-run again' })
  @ApiBody({ schema: updateRouteSchema })
  update(
    @Param('id') id: string,
    @Body(new BodySchemaPipe(updateRouteSchema)) body: UpdateRouteBody,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string,
  ) {
    return this.routes.update(id, body, principal, correlationId);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScopes('installations:write')
  async remove(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @CorrelationId() correlationId: string,
  ) {
    await this.routes.remove(id, principal, correlationId);
  }
}
