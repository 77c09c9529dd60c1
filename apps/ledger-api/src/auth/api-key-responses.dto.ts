import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { API_KEY_ROLES } from '@ledger/domain';
import { POSITION } from '../http/response-formats';

/** What POST and DELETE /api-keys answer, for the OpenAPI document. */
export class ApiKeyIssuedDto {
  @ApiProperty({ format: 'uuid', description: 'the key\'s id: DELETE /api-keys/{id} revokes it; events record it as their actor' }) id!: string;
  @ApiPropertyOptional({
    example: 'rlk_1-4XGcAv1t20WF_XVcUZ6kz8BcZi-5I4L5oEuokz4Dk',
    description: 'the bearer token, shown once: the ledger keeps only its hash, and a replay of the same Idempotency-Key answers without it',
  })
  token?: string;
  @ApiProperty({ format: 'uuid' }) partyId!: string;
  @ApiProperty({ enum: API_KEY_ROLES }) role!: string;
  @ApiProperty(POSITION) position!: string;
}

export class ApiKeyRevokedDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: true }) revoked!: boolean;
  @ApiProperty({ ...POSITION, description: 'global position of the revocation; the key is refused already when this answers' }) position!: string;
}
